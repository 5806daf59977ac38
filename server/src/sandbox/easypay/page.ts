import iconv from 'iconv-lite';
import { escapeHtml, type SandboxResponse } from '../http.ts';

/** The result fields KICC posts to the merchant's returnUrl when its window closes. */
export type ResultFields = Record<
  'resCd' | 'resMsg' | 'certSeqNo' | 'requestTid' | 'registerTid' | 'shopParameter',
  string
>;

export interface WindowContent {
  shopUserId: string;
  withCi: boolean;
  returnUrl: string;
  approve: ResultFields;
  cancel: ResultFields;
}

function resultForm(returnUrl: string, fields: ResultFields, action: string, label: string): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');
  return `<form method="post" action="${escapeHtml(returnUrl)}">${inputs}<button type="submit" data-action="${action}">${label}</button></form>`;
}

/**
 * KICC's registration window. It is served in EUC-KR, as KICC's pages are, so a browser posts the
 * forms in EUC-KR too; Approve and Cancel each post the result fields straight to the returnUrl.
 */
export function registrationWindow(content: WindowContent): SandboxResponse {
  const checked = content.withCi
    ? '본인확인 정보(CI)로 회원을 확인했습니다. <span lang="en">Verified with the CI the shop sent.</span>'
    : '본인확인 정보 없이 등록합니다. <span lang="en">No CI was sent: registration without it.</span>';
  const html = `<!doctype html><html lang="ko"><head><meta charset="euc-kr"><meta name="viewport" content="width=device-width">
<title>EasyPay 샌드박스 · EasyPay 연결하기</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:30rem;color:#1d2b3a}header{font-weight:700;color:#d0021b}form{display:inline-block;margin-right:.5rem}button{font-size:1rem;padding:.5rem 1rem}</style></head>
<body><header>EasyPay 샌드박스 <span lang="en">(KICC EasyPay sandbox)</span></header>
<h1>EasyPay 연결하기 <span lang="en">· Link EasyPay</span></h1>
<p>가맹점이 EasyPay 간편결제 연결을 요청합니다. 승인하면 결제할 때마다 다시 등록하지 않아도 됩니다.</p>
<p lang="en">The shop asks to link your EasyPay account, so you need not register again for each payment.</p>
<p>회원 <span lang="en">Account</span>: <strong data-shop-user>${escapeHtml(content.shopUserId)}</strong></p>
<p data-ci="${content.withCi ? 'yes' : 'no'}">${checked}</p>
${resultForm(content.returnUrl, content.approve, 'approve', '승인 <span lang="en">Approve</span>')}
${resultForm(content.returnUrl, content.cancel, 'cancel', '취소 <span lang="en">Cancel</span>')}
</body></html>`;
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=euc-kr',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${new URL(content.returnUrl).origin}`,
      'cache-control': 'no-store',
    },
    body: iconv.encode(html, 'euc-kr'),
  };
}
